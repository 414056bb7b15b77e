// The dialect field extractor for an exported log.
import type { DialectId } from '../../types';
import type { DialectFields } from '../recordView';
import { AxigenFields } from './axigen';
import { CommunigateFields } from './communigate';
import { EmgFields } from './emg';
import { MessagingServerFields } from './messagingServer';
import { PrivateServerFields } from './privateServer';

const MAKERS: Record<DialectId, () => DialectFields> = {
  'communigate-log': () => new CommunigateFields(),
  'emg-log': () => new EmgFields(),
  'axigen-log': () => new AxigenFields(),
  'messaging-server-log': () => new MessagingServerFields(),
  'privateserver-log': () => new PrivateServerFields(),
};

export function dialectFields(id: DialectId): DialectFields {
  return MAKERS[id]();
}
