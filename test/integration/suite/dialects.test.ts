// Each dialect's sample gets its expected problems as diagnostics, and no false time regressions.
import * as assert from 'assert';
import { before, describe, it } from 'mocha';
import * as vscode from 'vscode';
import { SAMPLES, codeOf, describeDiagnostics, lineWhere, openSample, waitForActivation, waitForDiagnostics } from './helpers';

const { Error: ERROR, Warning: WARNING } = vscode.DiagnosticSeverity;

/** Per sample: lines (found by a substring) that must carry a diagnostic of the given severity. */
const EXPECTED: Record<string, { line: string; severity: vscode.DiagnosticSeverity; why: string }[]> = {
  'emg/log/connector.smpp1': [
    { line: 'SEND ERR', severity: WARNING, why: 'EMG ERR status' },
    { line: 'EXPIRE ERR', severity: ERROR, why: 'EMG EXPIRE failure' },
  ],
  'axigen/log/everything.txt': [
    { line: '+0200 01 ', severity: ERROR, why: 'Axigen level 01 (critical)' },
    { line: '+0200 02 ', severity: ERROR, why: 'Axigen level 02 (error)' },
    { line: '+0200 04 ', severity: WARNING, why: 'Axigen level 04 (warning)' },
  ],
  'messaging-server/imap.log': [
    { line: 'Store Error:', severity: ERROR, why: 'Messaging Server Error level' },
    { line: 'Network Warning:', severity: WARNING, why: 'Messaging Server Warning level' },
  ],
  'privateserver/sip-sessions.tsv': [{ line: 'NETWORK_ERROR', severity: WARNING, why: 'PrivateServer NETWORK_ERROR' }],
};

describe('diagnostics in every dialect', () => {
  before(async function () {
    this.timeout(30000);
    await openSample(SAMPLES[0].file, SAMPLES[0].languageId);
    await waitForActivation();
  });

  for (const sample of SAMPLES.filter((s) => EXPECTED[s.file])) {
    it(`${sample.dialect}: ${sample.file}`, async () => {
      const doc = await openSample(sample.file, sample.languageId);
      assert.strictEqual(doc.languageId, sample.languageId);
      const diags = await waitForDiagnostics(doc.uri, 8000);
      const seen = describeDiagnostics(diags);
      for (const want of EXPECTED[sample.file]) {
        const line = lineWhere(doc, (t) => t.includes(want.line));
        assert.ok(
          diags.some((d) => d.range.start.line === line && d.severity === want.severity),
          `${want.why}: line ${line + 1} needs a ${want.severity === ERROR ? 'error' : 'warning'}; saw ${seen}`,
        );
      }
      assert.ok(!diags.some((d) => codeOf(d) === 'time-regression'), `no time-regression; saw ${seen}`);
    });
  }
});
