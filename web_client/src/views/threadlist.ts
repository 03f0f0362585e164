// Redraw a list without losing keyboard focus: the focused item is found again by its key.
export function replaceKeepingFocus(list: HTMLElement, items: HTMLElement[], keyAttr: string): void {
  const active = document.activeElement;
  const key = active instanceof HTMLElement && list.contains(active)
    ? active.closest<HTMLElement>(`[${keyAttr}]`)?.getAttribute(keyAttr)
    : null;
  list.replaceChildren(...items);
  if (key) {
    const again = list.querySelector<HTMLElement>(`[${keyAttr}="${CSS.escape(key)}"]`);
    (again?.matches("a,button") ? again : again?.querySelector<HTMLElement>("a,button"))?.focus();
  }
}

/** Run `fn` once after a burst of calls (live events arrive in bursts). */
export function debounce(fn: () => void, ms: number): () => void {
  let timer: number | undefined;
  return () => {
    window.clearTimeout(timer);
    timer = window.setTimeout(fn, ms);
  };
}
