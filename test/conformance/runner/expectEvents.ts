// expectEvents: the command monitoring events a client observed, in order.
import type { Document } from 'mongodb';
import { describeValue } from './bsonValues.js';
import type { EntityMap, ObservedCommandEvent } from './entities.js';
import { assertMatches, MatchError } from './match.js';
import type { ExpectedEventsForClient } from './types.js';
import { UnsupportedError } from './unsupported.js';

function summary(events: ObservedCommandEvent[]): string {
  return events.map((e) => `${e.type.replace('Event', '')}:${e.event.commandName}`).join(', ') || 'none';
}

function assertEvent(expected: Document, actual: ObservedCommandEvent, entities: EntityMap, label: string) {
  const [type, assertions] = Object.entries(expected)[0] ?? [];
  if (type !== actual.type) {
    throw new MatchError(`${label}: expected ${type}, got ${actual.type} for ${actual.event.commandName}`);
  }
  const event = actual.event as unknown as Document;
  for (const [field, value] of Object.entries((assertions ?? {}) as Document)) {
    switch (field) {
      case 'command':
      case 'reply':
        assertMatches(value, event[field], entities, true, `${label}.${field}`);
        break;
      case 'commandName':
      case 'databaseName':
        if (event[field] !== value) {
          throw new MatchError(`${label}.${field}: expected ${value}, got ${describeValue(event[field])}`);
        }
        break;
      case 'hasServiceId':
      case 'hasServerConnectionId': {
        const present = (field === 'hasServiceId' ? event.serviceId : event.serverConnectionId) != null;
        if (present !== value) throw new MatchError(`${label}.${field}: expected ${value}`);
        break;
      }
      default:
        throw new UnsupportedError(`expectEvents field ${field}`);
    }
  }
}

export function assertExpectedEvents(expectations: ExpectedEventsForClient[], entities: EntityMap): void {
  for (const expectation of expectations) {
    if ((expectation.eventType ?? 'command') !== 'command') {
      throw new UnsupportedError(`expectEvents eventType ${expectation.eventType}`);
    }
    const actual = entities.clientEntity(expectation.client).events;
    const expected = expectation.events;
    const countOk = expectation.ignoreExtraEvents
      ? actual.length >= expected.length
      : actual.length === expected.length;
    if (!countOk) {
      throw new MatchError(
        `events of ${expectation.client}: expected ${expected.length}${expectation.ignoreExtraEvents ? '+' : ''}, ` +
          `got ${actual.length} (${summary(actual)})`,
      );
    }
    expected.forEach((event, i) => {
      assertEvent(event, actual[i]!, entities, `events of ${expectation.client}[${i}]`);
    });
  }
}
