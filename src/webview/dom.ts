// A tiny element builder: every string becomes a text node or an attribute value, never markup. Nothing in the
// webview uses innerHTML, so a group name such as `<img src=x onerror=…>` is shown as the characters it is.

type Child = Node | string | null | undefined | false;
type Attributes = Record<string, string | boolean | number | undefined | null | ((event: Event) => void)>;

export function h(tag: string, attributes: Attributes = {}, ...children: (Child | Child[])[]): HTMLElement {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (typeof value === 'function') {
      // Listeners are attached as properties of the element, never as inline handler attributes (the CSP forbids those).
      element.addEventListener(name.replace(/^on/, ''), value);
    } else if (name === 'value' && 'value' in element) {
      (element as HTMLInputElement).value = String(value);
    } else if (name === 'checked') {
      (element as HTMLInputElement).checked = value === true;
      if (value === true) element.setAttribute('checked', '');
    } else {
      element.setAttribute(name, value === true ? '' : String(value));
    }
  }
  append(element, children);
  return element;
}

export function append(parent: Node, children: (Child | Child[])[]): void {
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    parent.appendChild(typeof child === 'string' ? document.createTextNode(child) : child);
  }
}

/** Replaces the children of `parent`, keeping focus on the element with the same data-key when there was one. */
export function replaceChildren(parent: HTMLElement, ...children: (Child | Child[])[]): void {
  const active = document.activeElement;
  const key = active instanceof HTMLElement && parent.contains(active) ? active.dataset.key : undefined;
  parent.replaceChildren();
  append(parent, children);
  if (key) {
    const again = parent.querySelector<HTMLElement>(`[data-key="${CSS.escape(key)}"]`);
    if (!again) return;
    again.focus();
    // A vscode-elements control becomes focusable in its first render (it sets its tabindex then), a microtask after
    // it is added: focus it once that render is done, unless the user has moved on meanwhile. Without this a keyboard
    // user on Create loses focus when the page is redrawn (equivalent commands arriving) and Enter does nothing.
    if (document.activeElement !== again) {
      const rendered = (again as HTMLElement & { updateComplete?: Promise<unknown> }).updateComplete;
      if (rendered) {
        void rendered.then(() => {
          const now = document.activeElement;
          if (again.isConnected && (!now || now === document.body)) again.focus();
        });
      }
    }
  }
}

export function icon(name: string): HTMLElement {
  return h('span', { class: `codicon codicon-${name}`, 'aria-hidden': 'true' });
}

/**
 * A translated sentence with elements in it: `{0}`, `{1}`, … of `message` (already through l10n.t, which leaves
 * them as they are when given no values) become `parts[0]`, `parts[1]`, …, so a translation may move them.
 */
export function sentence(message: string, ...parts: (Node | string)[]): (Node | string)[] {
  const pieces = message.split(/\{(\d+)\}/).map((piece, i) => (i % 2 === 0 ? piece : parts[Number(piece)] ?? `{${piece}}`));
  // Text next to text is one text node, as the sentence is one text.
  const joined: (Node | string)[] = [];
  for (const piece of pieces) {
    const last = joined.length - 1;
    if (typeof piece === 'string' && typeof joined[last] === 'string') joined[last] += piece;
    else joined.push(piece);
  }
  return joined.filter((piece) => piece !== '');
}
