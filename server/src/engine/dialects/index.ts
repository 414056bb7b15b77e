// The dialect registry.
import type { DialectId, Dialect } from '../types';
import { axigen } from './axigen';
import { communigate } from './communigate';
import { emg } from './emg';
import { messagingServer } from './messagingServer';
import { privateServer } from './privateServer';

export const DIALECTS: readonly Dialect[] = [communigate, emg, axigen, messagingServer, privateServer];

export function dialectById(id: string): Dialect | undefined {
  return DIALECTS.find((d) => d.id === id);
}

export type { DialectId };
