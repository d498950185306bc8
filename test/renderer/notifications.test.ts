import { describe, expect, it } from 'vitest';
import { parseAlertingEvent } from '../../src/renderer/app/notifications';

describe('the alerting events the page reads', () => {
  it('takes the contract fields and refuses anything else', () => {
    expect(parseAlertingEvent('{"title":"[FIRING:1] X","body":"b","route":"#/alerts?group=g","tag":"r/g","resolved":false}')).toEqual({ title: '[FIRING:1] X', body: 'b', route: '#/alerts?group=g', tag: 'r/g', resolved: false });
    expect(parseAlertingEvent('{"title":"t","body":"b"}')).toEqual({ title: 't', body: 'b', route: '', tag: '', resolved: false });
    expect(parseAlertingEvent('{"title":1,"body":"b"}')).toBeNull();
    expect(parseAlertingEvent('not json')).toBeNull();
    expect(parseAlertingEvent('null')).toBeNull();
  });
});
