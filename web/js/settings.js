// Section 2: run settings. Rules, bounds and profiles come from GET /api/v1/config-schema; only
// rules the dispatcher changed are sent (so a profile's own values stay in force), feature flags
// only when they differ from the process-wide defaults reported by /readyz.
import { getJson } from './api.js';
import { has, t } from './i18n.js';
import { clear, el, minutesAsHours, mondayOf, nextMonday, num } from './format.js';

const MAIN_RULES = ['min_rest_minutes', 'max_weekly_minutes', 'max_span_regular_minutes', 'max_span_split_minutes',
  'max_span_3er_minutes', 'allow_split', 'max_working_days'];
const FLAGS = ['enable_fill_to_target_greedy', 'enable_bad_block_mix_rerun'];

// Values a profile changes against the defaults (domain.md §5, "legacy v2.0 profile"); shown in
// the inputs so the form tells the truth about what the run will use.
const PROFILE_VALUES = {
  default: {},
  'legacy-v2.0': { min_rest_after_3er_minutes: 840, max_tours_after_3er_day: 2, fte_min_hours: 42 },
};

let schema = null;          // the policy rules [{name,type,default,min,max,description,section}]
let profiles = ['default'];
let flagDefaults = {};      // process-wide flag values from /readyz
const touched = new Set();  // rule names the user changed

function profileValue(rule) {
  const profile = document.getElementById('profile').value;
  const own = PROFILE_VALUES[profile] || {};
  return rule.name in own ? own[rule.name] : rule.default;
}

function ruleLabel(rule) {
  return has(`rule.${rule.name}`) ? t(`rule.${rule.name}`) : rule.name;
}

// Rules kept in minutes by the API are entered in hours (the dispatcher thinks "55 h", not 3300).
function inHours(rule) { return rule.type !== 'boolean' && /_minutes$/.test(rule.name); }
function shown(rule, minutes) { return inHours(rule) ? Math.round((Number(minutes) / 60) * 100) / 100 : minutes; }
function apiValue(rule, input) {
  if (input.type === 'checkbox') return input.checked;
  return inHours(rule) ? Math.round(Number(input.value) * 60) : Number(input.value);
}

function hint(rule) {
  if (rule.type === 'boolean') return '';
  if (inHours(rule)) return t('settings.range_hours', { min: minutesAsHours(rule.min), max: minutesAsHours(rule.max) });
  return t('settings.range', { min: num(rule.min, rule.type === 'number' ? 1 : 0), max: num(rule.max, rule.type === 'number' ? 1 : 0) });
}

function ruleInput(rule) {
  const id = `rule-${rule.name}`;
  const value = profileValue(rule);
  let input;
  if (rule.type === 'boolean') {
    input = el('input', { type: 'checkbox', id, name: rule.name, dataset: { rule: rule.name } });
    input.checked = Boolean(value);
  } else {
    input = el('input', {
      type: 'number', id, name: rule.name, min: shown(rule, rule.min), max: shown(rule, rule.max), required: true,
      step: inHours(rule) ? 0.25 : (rule.type === 'integer' ? 1 : 'any'), dataset: { rule: rule.name, unit: inHours(rule) ? 'h' : '' },
      inputmode: 'decimal', 'aria-describedby': `${id}-hint`,
    });
    input.value = String(shown(rule, value));
  }
  const hintEl = el('small', { class: 'hint', id: `${id}-hint` }, hint(rule));
  const mark = el('span', { class: 'changed-mark', hidden: true }, t('settings.changed'));
  const update = () => {
    touched.add(rule.name);
    mark.hidden = apiValue(rule, input) === profileValue(rule);
  };
  input.addEventListener('input', update);
  input.addEventListener('change', update);
  const title = rule.description || '';
  if (rule.type === 'boolean') {
    return el('div', { class: 'field check', title }, el('label', { for: id }, input, ' ', ruleLabel(rule), ' ', mark));
  }
  return el('div', { class: 'field', title }, el('label', { for: id }, ruleLabel(rule), ' ', mark), input, hintEl);
}

function renderRules() {
  const main = clear(document.getElementById('rules-main'));
  const more = clear(document.getElementById('rules-more-body'));
  if (!schema) {
    main.append(el('p', { class: 'muted' }, t('settings.schema_missing')));
    return;
  }
  const byName = new Map(schema.map((r) => [r.name, r]));
  for (const name of MAIN_RULES) if (byName.has(name)) main.append(ruleInput(byName.get(name)));
  for (const rule of schema) {
    if (!MAIN_RULES.includes(rule.name) && rule.name !== 'max_blocks_per_day') more.append(ruleInput(rule));
  }
  // Restore what the user had typed before a language switch re-rendered the inputs.
  for (const [name, value] of Object.entries(savedValues)) {
    const input = document.getElementById(`rule-${name}`);
    if (!input) continue;
    if (input.type === 'checkbox') input.checked = value;
    else input.value = value;
    input.dispatchEvent(new Event('change'));
  }
}

let savedValues = {};
function saveValues() {
  savedValues = {};
  for (const name of touched) {
    const input = document.getElementById(`rule-${name}`);
    if (input) savedValues[name] = input.type === 'checkbox' ? input.checked : input.value;
  }
}

function renderProfiles() {
  const select = document.getElementById('profile');
  const chosen = select.value || 'default';
  clear(select);
  for (const p of profiles) {
    select.append(el('option', { value: p }, has(`settings.profile.${p}`) ? t(`settings.profile.${p}`) : p));
  }
  select.value = profiles.includes(chosen) ? chosen : 'default';
}

function renderFlags() {
  const box = clear(document.getElementById('flags'));
  for (const name of FLAGS) {
    const input = el('input', { type: 'checkbox', id: `flag-${name}`, dataset: { flag: name } });
    input.checked = Boolean(flagDefaults[name]);
    box.append(el('div', { class: 'field check' }, el('label', { for: input.id }, input, ' ', t(`flag.${name}`))));
  }
}

export async function loadSchema(ready) {
  if (ready && ready.flags) {
    for (const name of FLAGS) flagDefaults[name] = Boolean(ready.flags[name]);
  }
  try {
    const s = await getJson('config-schema');
    schema = Array.isArray(s.policy) ? s.policy : null;
    if (Array.isArray(s.policy_profiles) && s.policy_profiles.length) {
      profiles = s.policy_profiles.map((p) => (typeof p === 'string' ? p : p.name)).filter(Boolean);
      if (!profiles.includes('default')) profiles.unshift('default');
    }
  } catch (err) {
    schema = null;
    throw err;
  } finally {
    renderProfiles();
    renderRules();
    renderFlags();
  }
}

// {seed, time_limit_seconds, policy?, config_overrides?} or throws with a message for the user.
export function collectRunOptions() {
  const form = document.getElementById('settings-form');
  if (!form.reportValidity()) throw new Error(t('settings.title'));
  const options = {
    seed: Number(document.getElementById('seed').value || 42),
    time_limit_seconds: Number(document.getElementById('time-limit').value || 30),
  };
  const week = mondayOf(document.getElementById('week-start').value);
  if (week) options.week_start = week;
  const policy = {};
  const profile = document.getElementById('profile').value;
  if (profile && profile !== 'default') policy.profile = profile;
  for (const name of touched) {
    const input = document.getElementById(`rule-${name}`);
    if (!input) continue;
    const rule = schema && schema.find((r) => r.name === name);
    const value = rule ? apiValue(rule, input) : (input.type === 'checkbox' ? input.checked : Number(input.value));
    if (rule && value === profileValue(rule)) continue;
    policy[name] = value;
  }
  if (Object.keys(policy).length) options.policy = policy;
  const overrides = {};
  for (const name of FLAGS) {
    const input = document.getElementById(`flag-${name}`);
    if (input && input.checked !== Boolean(flagDefaults[name])) overrides[name] = input.checked;
  }
  if (Object.keys(overrides).length) options.config_overrides = overrides;
  return options;
}

export function initSettings() {
  const week = document.getElementById('week-start');
  week.value = nextMonday();
  // Any day picked means its week: snap to that Monday so the day columns get the right dates.
  week.addEventListener('change', () => { if (week.value) week.value = mondayOf(week.value); });
  document.getElementById('settings-form').addEventListener('submit', (e) => e.preventDefault());
  document.getElementById('profile').addEventListener('change', () => {
    saveValues();
    renderRules();
  });
  document.getElementById('settings-reset').addEventListener('click', () => {
    touched.clear();
    savedValues = {};
    document.getElementById('profile').value = 'default';
    document.getElementById('time-limit').value = '30';
    document.getElementById('seed').value = '42';
    renderRules();
    renderFlags();
  });
  document.addEventListener('languagechange', () => {
    saveValues();
    renderProfiles();
    renderRules();
    const flags = {};
    for (const name of FLAGS) flags[name] = document.getElementById(`flag-${name}`)?.checked;
    renderFlags();
    for (const name of FLAGS) if (flags[name] !== undefined) document.getElementById(`flag-${name}`).checked = flags[name];
  });
  renderProfiles();
  renderRules();
  renderFlags();
}
