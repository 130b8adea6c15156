// Server messages (English, for API clients) in the page's language: the "forecast:3:" /
// "drivers:" prefix becomes the file name and line, known phrases are translated; an unknown
// phrase is kept as the service wrote it (better an English detail than none).
import { getLang } from './i18n.js';

// [pattern, German] — the first match wins; $1… refer to the pattern's groups.
const PHRASES = [
  [/looks like an Excel file \(XLSX\), not text.*$/i, 'Excel-Datei: bitte als CSV speichern (in Excel: Datei > Speichern unter > CSV UTF-8)'],
  [/binary content \(NUL byte\).*$/i, 'Binärdatei: bitte als CSV speichern'],
  [/bad time window '([^']*)'.*$/i, "ungültiges Zeitfenster '$1' (erwartet HH:MM-HH:MM, 00:00–23:59)"],
  [/zero-length time window '?([^']*)'?.*$/i, 'Zeitfenster ohne Dauer $1'],
  [/missing count after time window.*$/i, 'Anzahl nach dem Zeitfenster fehlt'],
  [/row has a count but no time window.*$/i, 'Zeile hat eine Anzahl, aber kein Zeitfenster'],
  [/second section for day.*$/i, 'der Tag kommt zweimal vor'],
  [/bad day header.*$/i, 'ungültige Tageszeile (erwartet z. B. Montag;Anzahl)'],
  [/time row before any day header.*$/i, 'Zeitfenster vor der ersten Tageszeile (erwartet z. B. Montag;Anzahl)'],
  [/expected a day header.*$/i, 'Tageszeile erwartet (z. B. Montag;Anzahl)'],
  [/unexpected extra cell.*$/i, 'unerwartete zusätzliche Zelle'],
  [/no tours found.*$/i, 'keine Touren gefunden'],
  [/line too long.*$/i, 'Zeile zu lang'],
  [/too many tours.*$/i, 'zu viele Touren'],
  [/unterminated quote.*$/i, 'Anführungszeichen nicht geschlossen'],
  [/driver id '([^']*)' appears more than once/i, "Fahrer-ID '$1' kommt mehrfach vor"],
  [/unknown driver id '([^']*)'/i, "unbekannte Fahrer-ID '$1'"],
  [/unknown tour id '([^']*)'/i, "unbekannte Tour-ID '$1'"],
  [/field required/i, 'Pflichtfeld fehlt'],
  [/overlaps/i, 'überschneidet sich mit einer anderen Tour'],
  [/run '([^']*)' not found/i, "Lauf '$1' nicht gefunden"],
  [/is not finished|its documents exist once it has finished/i, 'der Lauf ist noch nicht fertig'],
  [/audit is not clean|DRAFT_WITH_VIOLATIONS/i, 'der Plan verletzt Regeln und kann nicht veröffentlicht werden'],
];

// "forecast:3: bad time window …" -> "woche.csv, Zeile 3: ungültiges Zeitfenster …"
export function messageText(message, fileName = '') {
  let text = String(message ?? '');
  const de = getLang() === 'de';
  text = text.replace(/^(forecast|drivers|input)(?::(\d+))?:\s*/i, (m, what, line) => {
    const name = fileName || (de ? (what === 'drivers' ? 'Fahrerliste' : 'Prognose') : what);
    return line ? `${name}, ${de ? 'Zeile' : 'line'} ${line}: ` : `${name}: `;
  });
  text = text.replace(/^line (\d+):\s*/i, (m, line) => `${de ? 'Zeile' : 'line'} ${line}: `);
  if (!de) return text;
  for (const [pattern, german] of PHRASES) {
    if (pattern.test(text)) return text.replace(pattern, german);
  }
  return text;
}

// A service "detail" (string, or a list of {loc, msg}) as lines in the page's language.
export function detailMessage(detail, fileName = '') {
  if (detail == null) return '';
  if (typeof detail === 'string') return messageText(detail, fileName);
  if (Array.isArray(detail)) {
    return detail.map((d) => {
      const msg = messageText(d.msg ?? JSON.stringify(d), fileName);
      const loc = Array.isArray(d.loc) ? d.loc.filter((x) => x !== 'body') : [];
      // "line 3" is already in the message once the prefix is mapped; other locations help.
      return loc.length && loc[0] !== 'line' && !msg.includes(loc.join('.')) ? `${loc.join('.')}: ${msg}` : msg;
    }).join('\n');
  }
  return JSON.stringify(detail);
}
