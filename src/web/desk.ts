/**
 * The lab desk: sign in with a lab API key, choose a schema, enter the values (checked with
 * privid/credential's own validation of the schema before anything is sent, and again by the
 * server), create the offer and show its QR image with its expiry and status until the holder
 * collects it; cancel it, or print a receipt.
 */
import {
  dayFromIsoDateOrUndefined,
  isoDateFromDay,
  parseSchemaDefinition,
  validateAttributes,
  type AttributeDefinition,
  type CredentialSchema,
} from '../credential/index.js';
import { ApiProblem, call, json, KeyStore, qrImageUrl } from './lib/api.js';
import { byId, h, localTime, say, show } from './lib/dom.js';
import { signIn } from './lib/signin.js';
import { strings } from './strings.js';

const S = strings();
const D = S.desk;
const keys = new KeyStore('privid.desk.key');
/** How often a waiting offer's status is read. */
const STATUS_POLL_MS = 2_000;

interface SchemaEntry {
  ref: string;
  definition: unknown;
}
interface OfferView {
  id: string;
  status: string;
  schemaRef: string;
  validUntil: string;
  expiresAt: string;
}

let key = '';
let schemas = new Map<string, CredentialSchema>();
let current: OfferView | undefined;
let poller: ReturnType<typeof setTimeout> | undefined;
let qrUrl: string | undefined;

const els = {
  compose: byId('compose'),
  form: byId<HTMLFormElement>('offer-form'),
  schema: byId<HTMLSelectElement>('schema'),
  schemaHint: byId('schema-hint'),
  fields: byId('fields'),
  validDays: byId<HTMLInputElement>('valid-days'),
  validDaysError: byId('valid-days-error'),
  composeError: byId('compose-error'),
  offer: byId('offer'),
  offerTitle: byId('offer-title'),
  qr: byId<HTMLImageElement>('offer-qr'),
  kind: byId('offer-kind'),
  valid: byId('offer-valid'),
  expires: byId('offer-expires'),
  status: byId('offer-status'),
  cancel: byId<HTMLButtonElement>('offer-cancel'),
  print: byId<HTMLButtonElement>('offer-print'),
  another: byId<HTMLButtonElement>('offer-new'),
  offerError: byId('offer-error'),
};

function label(attribute: AttributeDefinition): string {
  return S.attributes[attribute.name] ?? attribute.name;
}

function valueLabel(attribute: string, value: string): string {
  return S.values[attribute]?.[value] ?? value;
}

/** One form control per attribute, typed by the schema (enum: a list; date: a date picker; …). */
function renderFields(schema: CredentialSchema): void {
  els.fields.replaceChildren();
  els.schemaHint.textContent = schema.description ?? '';
  const today = isoDateFromDay(Math.floor(Date.now() / 86_400_000));
  for (const attribute of schema.attributes) {
    const id = `attr-${attribute.name}`;
    const describedBy = [`${id}-error`, attribute.description ? `${id}-hint` : ''].filter(Boolean).join(' ');
    let control: HTMLInputElement | HTMLSelectElement;
    switch (attribute.type) {
      case 'enum':
        control = h(
          'select',
          { id, name: attribute.name, required: true },
          h('option', { value: '' }, D.choose),
          ...attribute.values.map((v) => h('option', { value: v }, valueLabel(attribute.name, v))),
        );
        break;
      case 'boolean':
        control = h(
          'select',
          { id, name: attribute.name, required: true },
          h('option', { value: '' }, D.choose),
          h('option', { value: 'true' }, D.yes),
          h('option', { value: 'false' }, D.no),
        );
        break;
      case 'integer':
        control = h('input', {
          id,
          name: attribute.name,
          type: 'number',
          inputmode: 'numeric',
          step: '1',
          min: String(attribute.min),
          max: String(attribute.max),
          required: true,
        });
        break;
      case 'date':
        control = h('input', { id, name: attribute.name, type: 'date', value: today, required: true });
        break;
      default:
        control = h('input', {
          id,
          name: attribute.name,
          type: 'text',
          maxlength: String(attribute.maxLength),
          required: true,
        });
    }
    control.setAttribute('aria-describedby', describedBy);
    els.fields.append(
      h('label', { for: id }, label(attribute)),
      control,
      ...(attribute.description ? [h('p', { id: `${id}-hint`, class: 'hint' }, attribute.description)] : []),
      h('p', { id: `${id}-error`, class: 'field-error', hidden: true }),
    );
  }
}

/** The form's values as the API wants them: dates as YYYY-MM-DD, integers and booleans typed. */
function readValues(schema: CredentialSchema): { body: Record<string, unknown>; forCheck: Record<string, unknown> } {
  const body: Record<string, unknown> = {};
  const forCheck: Record<string, unknown> = {};
  for (const attribute of schema.attributes) {
    const raw = byId<HTMLInputElement | HTMLSelectElement>(`attr-${attribute.name}`).value.trim();
    if (raw === '') continue;
    let value: unknown = raw;
    if (attribute.type === 'integer') value = /^-?\d+$/.test(raw) ? Number(raw) : raw;
    if (attribute.type === 'boolean') value = raw === 'true';
    body[attribute.name] = value;
    // privid/credential checks dates as day numbers; the API takes YYYY-MM-DD.
    forCheck[attribute.name] = attribute.type === 'date' ? (dayFromIsoDateOrUndefined(raw) ?? raw) : value;
  }
  return { body, forCheck };
}

function fieldError(name: string, message: string): void {
  const control = document.getElementById(name === 'validDays' ? 'valid-days' : `attr-${name}`);
  const error = document.getElementById(name === 'validDays' ? 'valid-days-error' : `attr-${name}-error`);
  if (!control || !error) return;
  control.setAttribute('aria-invalid', message ? 'true' : 'false');
  say(error, message);
}

/** The desk field of an error's path or an invariant's attribute (the validity days are one field). */
function fieldOf(pathOrName: string): string | undefined {
  const name = /^body\/attributes\/(\w+)$/.exec(pathOrName)?.[1] ?? pathOrName;
  if (['body/validDays', 'body/validFrom', 'validFrom', 'validUntil'].includes(name)) return 'validDays';
  return /^\w+$/.test(name) ? name : undefined;
}

function clearErrors(schema: CredentialSchema): void {
  for (const attribute of schema.attributes) fieldError(attribute.name, '');
  fieldError('validDays', '');
  say(els.composeError, '');
}

function focusFirstInvalid(): void {
  els.form.querySelector<HTMLElement>('[aria-invalid=true]')?.focus();
}

async function createOffer(): Promise<void> {
  const schema = schemas.get(els.schema.value);
  if (!schema) return;
  clearErrors(schema);
  const { body, forCheck } = readValues(schema);
  const checked = validateAttributes(schema, forCheck);
  let invalid = false;
  if (!checked.ok) {
    for (const issue of checked.issues) fieldError(issue.path.slice(1), issue.message);
    invalid = true;
  }
  const validDays = Number(els.validDays.value);
  if (!Number.isInteger(validDays) || validDays < 1 || validDays > 3650) {
    fieldError('validDays', `${D.validDays}: 1–3650`);
    invalid = true;
  }
  if (invalid) {
    say(els.composeError, D.invalid);
    focusFirstInvalid();
    return;
  }
  say(els.composeError, D.creating);
  try {
    const offer = await json<OfferView & { qr: string }>('POST', '/v1/offers', {
      key,
      body: { schemaRef: `${schema.id}@${schema.version}`, attributes: body, validDays },
    });
    say(els.composeError, '');
    await showOffer(offer, schema);
  } catch (problem) {
    if (!(problem instanceof ApiProblem)) throw problem;
    // The server's own words next to every field they concern: a broken invariant names all of its
    // attributes (band and ageOver18), so the person sees which values contradict each other.
    const messages = new Map<string, string[]>();
    for (const error of problem.errors) {
      const names = error.attributes?.length ? error.attributes.map(fieldOf) : [fieldOf(error.path)];
      for (const name of names) {
        if (name) messages.set(name, [...(messages.get(name) ?? []), error.message ?? problem.message]);
      }
    }
    for (const [name, texts] of messages) fieldError(name, [...new Set(texts)].join(' '));
    say(els.composeError, problem.message);
    focusFirstInvalid();
  }
}

async function showOffer(offer: OfferView & { qr: string }, schema: CredentialSchema): Promise<void> {
  current = offer;
  if (qrUrl) URL.revokeObjectURL(qrUrl);
  qrUrl = await qrImageUrl(offer.qr);
  els.qr.src = qrUrl;
  els.kind.textContent = schema.title ?? schema.id;
  els.valid.textContent = offer.validUntil;
  els.expires.textContent = localTime(offer.expiresAt);
  show(els.compose, false);
  show(els.offer);
  say(els.offerError, '');
  renderStatus(offer.status);
  els.offerTitle.focus();
  schedulePoll();
}

function renderStatus(status: string): void {
  els.status.textContent = D.statuses[status] ?? status;
  els.status.dataset.status = status;
  els.cancel.disabled = status !== 'pending';
}

function schedulePoll(): void {
  clearTimeout(poller);
  if (!current || current.status !== 'pending') return;
  poller = setTimeout(() => void poll(), STATUS_POLL_MS);
}

async function poll(): Promise<void> {
  if (!current) return;
  try {
    const view = await json<OfferView>('GET', `/v1/offers/${current.id}`, { key });
    if (current?.id !== view.id) return;
    current = view;
    renderStatus(view.status);
  } catch {
    // A missed reading: the next one tries again.
  }
  schedulePoll();
}

async function cancelOffer(): Promise<void> {
  if (!current) return;
  try {
    const view = await json<OfferView>('POST', `/v1/offers/${current.id}/cancel`, { key });
    current = view;
    renderStatus(view.status);
    say(els.offerError, '');
  } catch (problem) {
    say(els.offerError, problem instanceof ApiProblem ? problem.message : String(problem));
    void poll();
  }
}

function newOffer(): void {
  clearTimeout(poller);
  current = undefined;
  show(els.offer, false);
  show(els.compose);
  els.schema.focus();
}

async function start(apiKey: string): Promise<void> {
  key = apiKey;
  const list = await json<{ schemas: SchemaEntry[] }>('GET', '/v1/schemas');
  schemas = new Map();
  els.schema.replaceChildren();
  for (const entry of list.schemas) {
    let schema: CredentialSchema;
    try {
      schema = parseSchemaDefinition(entry.definition, { allowReservedNamespace: true });
    } catch {
      continue; // a schema this page cannot read is not offered
    }
    schemas.set(entry.ref, schema);
    els.schema.append(h('option', { value: entry.ref }, schema.title ?? entry.ref));
  }
  const first = schemas.values().next().value;
  if (first) renderFields(first);
  show(els.compose);
}

els.schema.addEventListener('change', () => {
  const schema = schemas.get(els.schema.value);
  if (schema) renderFields(schema);
});
els.form.addEventListener('submit', (event) => {
  event.preventDefault();
  void createOffer();
});
els.cancel.addEventListener('click', () => void cancelOffer());
els.print.addEventListener('click', () => window.print());
els.another.addEventListener('click', newOffer);

signIn(
  keys,
  async (candidate) => {
    // Any lab route checks the key; the offer list costs one indexed query.
    await call('GET', '/v1/offers?limit=1', { key: candidate });
  },
  (accepted) => void start(accepted),
);
