// Opening each dialect's sample picks the dialect's language, and the extension activates.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { describe, it } from 'mocha';
import { EXTENSION_ID, SAMPLES, extension, openSample, waitForActivation } from './helpers';

describe('languages and activation', () => {
  for (const sample of SAMPLES) {
    it(`opens ${sample.file} as ${sample.languageId}`, async () => {
      const doc = await openSample(sample.file, sample.languageId);
      assert.strictEqual(doc.languageId, sample.languageId, `${sample.dialect} sample ${sample.file}`);
    });
  }

  it(`activates ${EXTENSION_ID} on a log`, async () => {
    await openSample(SAMPLES[0].file, SAMPLES[0].languageId);
    const ext = await waitForActivation();
    assert.strictEqual(ext.isActive, true);
  });

  it('runs the expected copy of the extension', () => {
    const ext = extension();
    const repo = path.resolve(__dirname, '../../../..');
    const fromSource = path.resolve(ext.extensionPath) === repo;
    if (process.env.MSGLOG_E2E_MODE === 'vsix') {
      assert.ok(!fromSource, `expected the installed .vsix, got the source folder ${ext.extensionPath}`);
      for (const file of ['client/out/extension.js', 'server/out/server.js', 'package.json']) {
        assert.ok(fs.existsSync(path.join(ext.extensionPath, file)), `installed extension lacks ${file}`);
      }
      for (const file of ['client/src', 'server/src', 'node_modules', 'test']) {
        assert.ok(!fs.existsSync(path.join(ext.extensionPath, file)), `installed extension holds ${file}`);
      }
    } else if (process.env.MSGLOG_E2E_MODE === 'dev') {
      assert.ok(fromSource, `expected the source folder ${repo}, got ${ext.extensionPath}`);
    }
    assert.strictEqual((ext.packageJSON as { name?: string }).name, 'messaging-server-logs');
  });
});
