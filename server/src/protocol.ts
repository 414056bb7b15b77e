// Custom LSP messages shared by the client and the server. Plain types only: no runtime imports,
// so that both bundles can include this module.

export const LOG_LANGUAGE_IDS = [
  'communigate-log',
  'emg-log',
  'axigen-log',
  'messaging-server-log',
  'privateserver-log',
] as const;
export type LogLanguageId = (typeof LOG_LANGUAGE_IDS)[number];
