// The part of the WebAssembly JavaScript API the scans use. Node has the API; its types come only with
// TypeScript's DOM library, which the server does not compile against (it would admit browser globals).
declare namespace WebAssembly {
  class Module {
    constructor(bytes: Uint8Array);
  }
  class Instance {
    constructor(module: Module, imports?: Record<string, Record<string, unknown>>);
    readonly exports: Record<string, unknown>;
  }
  class Memory {
    readonly buffer: ArrayBuffer;
  }
  class Global {
    value: unknown;
  }
}
