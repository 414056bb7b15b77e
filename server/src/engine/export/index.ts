// Export to log platforms (FORMATS §13): ECS documents and OTLP/JSON requests, streamed.
export { LogExporter, SequentialOrder, MergedRecordOrder, parseUtcOffset, EXPORT_FORMATS, exportThreads } from './exporter';
export type { ExportFormat, ExportInput, ExportOptions, RecordOrder } from './exporter';
export { otelSeverityNumber } from './record';
export { dateUndatedInputs } from './undated';
export { exportInputsOf } from './setInputs';
export { inputBytes, StreamExporter, streamable, streamInputs } from './streamExport';
export type { StreamInput, StreamOptions } from './streamExport';
