// The `messagingLogs.*` settings: read through workspace/configuration when the client supports it,
// else taken from didChangeConfiguration's payload, else the defaults; always validated.
import type { MessagingLogsSettings } from '../../common/protocol';
import { DEFAULT_SETTINGS } from '../../common/protocol';

function numberAtLeast(value: unknown, min: number, fallback: number): number {
  return typeof value === 'number' && Number.isFinite(value) && value >= min ? value : fallback;
}

/** Settings from whatever the client sent (a section object, or null/garbage), missing or bad values defaulted. */
export function normalizeSettings(raw: unknown): MessagingLogsSettings {
  const section = typeof raw === 'object' && raw !== null ? (raw as Record<string, unknown>) : {};
  return {
    timeRegressionToleranceMs: numberAtLeast(section.timeRegressionToleranceMs, 0, DEFAULT_SETTINGS.timeRegressionToleranceMs),
    maxDiagnostics: Math.floor(numberAtLeast(section.maxDiagnostics, 1, DEFAULT_SETTINGS.maxDiagnostics)),
    minimumDiagnosticSeverity: section.minimumDiagnosticSeverity === 'error' ? 'error' : DEFAULT_SETTINGS.minimumDiagnosticSeverity,
    indexCache: typeof section.indexCache === 'boolean' ? section.indexCache : DEFAULT_SETTINGS.indexCache,
  };
}
