// Small pure helpers: times, days, numbers in the page's language, DOM building.
import { getLang, t } from './i18n.js';

export const DAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];
export const BLOCK_TYPES = ['3er', '2er-regular', '2er-split', '1er'];

// "Mon", "monday", "Montag", "Mo", 0..6 -> 0..6; -1 when unknown.
export function dayIndex(day) {
  if (typeof day === 'number') return day >= 0 && day < 7 ? day : -1;
  const d = String(day || '').trim().toLowerCase();
  const names = [
    ['mon', 'monday', 'montag', 'mo'], ['tue', 'tuesday', 'dienstag', 'di'], ['wed', 'wednesday', 'mittwoch', 'mi'],
    ['thu', 'thursday', 'donnerstag', 'do'], ['fri', 'friday', 'freitag', 'fr'], ['sat', 'saturday', 'samstag', 'sa'],
    ['sun', 'sunday', 'sonntag', 'so'],
  ];
  return names.findIndex((list) => list.includes(d));
}

export function dayName(day) { return t(`day.${DAYS[dayIndex(day)] ?? day}`); }
export function dayShort(day) { return t(`dayshort.${DAYS[dayIndex(day)] ?? day}`); }

// "HH:MM" -> minutes, NaN when malformed.
export function minutesOf(hhmm) {
  const m = /^(\d{1,2}):(\d{2})$/.exec(String(hhmm || ''));
  return m ? Number(m[1]) * 60 + Number(m[2]) : NaN;
}

// Minutes (any, wraps) -> "HH:MM".
export function hhmm(minutes) {
  const m = ((Math.round(minutes) % 1440) + 1440) % 1440;
  return `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
}

// Week-linear [start, end) of a clock window on a day; an end not after the start crosses midnight.
export function weekInterval(day, start, end) {
  const d = dayIndex(day);
  const s = minutesOf(start);
  let e = minutesOf(end);
  if (d < 0 || Number.isNaN(s) || Number.isNaN(e)) return null;
  if (e <= s) e += 1440;
  return [d * 1440 + s, d * 1440 + e];
}

function locale() { return getLang() === 'de' ? 'de-DE' : 'en-GB'; }

export function num(value, digits = 0) {
  if (value === null || value === undefined || Number.isNaN(Number(value))) return '–';
  return new Intl.NumberFormat(locale(), { minimumFractionDigits: digits, maximumFractionDigits: digits }).format(Number(value));
}

export function pct(ratio, digits = 1) {
  if (ratio === null || ratio === undefined || Number.isNaN(Number(ratio))) return '–';
  return new Intl.NumberFormat(locale(), { style: 'percent', minimumFractionDigits: digits, maximumFractionDigits: digits }).format(Number(ratio));
}

export function dateTime(iso) {
  if (!iso) return '–';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return new Intl.DateTimeFormat(locale(), { dateStyle: 'short', timeStyle: 'medium' }).format(d);
}

export function minutesAsHours(minutes) {
  return num(Number(minutes) / 60, Number(minutes) % 60 === 0 ? 0 : 2);
}

// el('div', {class: 'x', dataset: {a: 1}, onclick: f}, 'text', child, …)
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') node.className = v;
    else if (k === 'dataset') Object.assign(node.dataset, v);
    else if (k.startsWith('on') && typeof v === 'function') node.addEventListener(k.slice(2), v);
    else if (k === 'text') node.textContent = v;
    else if (v === true) node.setAttribute(k, '');
    else node.setAttribute(k, String(v));
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    node.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return node;
}

export function clear(node) {
  while (node.firstChild) node.removeChild(node.firstChild);
  return node;
}

// The date of a week day (0..6) in the week starting on weekStart ("YYYY-MM-DD"), or null.
export function dateOfDay(weekStart, day) {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(String(weekStart || ''));
  const i = dayIndex(day);
  if (!m || i < 0) return null;
  return new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]) + i));
}

// "Mo 07.12." (German) / "Mon 07/12" (English); the short day alone without a week.
export function dayWithDate(day, weekStart) {
  const d = dateOfDay(weekStart, day);
  if (!d) return dayShort(day);
  const dd = String(d.getUTCDate()).padStart(2, '0');
  const mm = String(d.getUTCMonth() + 1).padStart(2, '0');
  return getLang() === 'de' ? `${dayShort(day)} ${dd}.${mm}.` : `${dayShort(day)} ${dd}/${mm}`;
}

// The Monday on or after today, as "YYYY-MM-DD" (the usual week to plan).
export function nextMonday(now = new Date()) {
  const d = new Date(Date.UTC(now.getFullYear(), now.getMonth(), now.getDate()));
  const add = (8 - d.getUTCDay()) % 7;
  d.setUTCDate(d.getUTCDate() + add);
  return d.toISOString().slice(0, 10);
}

// Any date -> the Monday of its week, "YYYY-MM-DD".
export function mondayOf(iso) {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(String(iso || ''));
  if (!m) return '';
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  d.setUTCDate(d.getUTCDate() - ((d.getUTCDay() + 6) % 7));
  return d.toISOString().slice(0, 10);
}

// Block type -> the one letter printed in a cell, so types differ without colour.
export const BLOCK_LETTER = { '3er': '3', '2er-regular': 'R', '2er-split': 'G', '1er': '1' };
