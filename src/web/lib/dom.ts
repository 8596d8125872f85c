/** Small DOM helpers shared by the pages. */

/** The element with this id; throws when the page lacks it (a template and script out of step). */
export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const element = document.getElementById(id);
  if (!element) throw new Error(`#${id} is missing`);
  return element as T;
}

export function show(element: HTMLElement, visible = true): void {
  element.hidden = !visible;
}

/** Creates an element with attributes and text or children. */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes: Record<string, string | boolean> = {},
  ...children: (Node | string)[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === false) continue;
    element.setAttribute(name, value === true ? '' : value);
  }
  element.append(...children);
  return element;
}

/** Shows a message in a live region (role="alert" or role="status" on the element), or clears it. */
export function say(element: HTMLElement, message: string): void {
  element.textContent = message;
  show(element, message !== '');
}

/** YYYY-MM-DD of a day number (days since 1970-01-01 UTC). */
export function isoDay(day: number): string {
  return new Date(day * 86_400_000).toISOString().slice(0, 10);
}

/** A local date and time a person reads at a glance. */
export function localTime(iso: string): string {
  return new Date(iso).toLocaleString(document.documentElement.lang || undefined, {
    dateStyle: 'medium',
    timeStyle: 'short',
  });
}
