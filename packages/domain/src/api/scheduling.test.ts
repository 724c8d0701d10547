import { timezoneString } from './scheduling';

describe('time zones', () => {
  test.each(['Europe/Berlin', 'America/Argentina/Buenos_Aires', 'UTC', 'Etc/GMT+2'])('accepts the IANA zone %s', (zone) => {
    expect(timezoneString.safeParse(zone).success).toBe(true);
  });

  // Newer ICU versions take offsets as zones; a weekly rule needs a zone's DST rules, so they stay refused on every Node.
  test.each(['+02:00', '-0530', 'Mars/Olympus_Mons', '', 'Europe/Berlin\u0000'])('refuses %j', (zone) => {
    expect(timezoneString.safeParse(zone).success).toBe(false);
  });
});
