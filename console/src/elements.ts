/** Builds DOM elements in one expression, so that each view reads as the page it makes. */

type Child = Node | string | false | undefined;

type Props<K extends keyof HTMLElementTagNameMap> = Partial<Omit<HTMLElementTagNameMap[K], "style">> & {
  /** Attributes set as written (aria-*, data-*, for ...). */
  readonly attrs?: Readonly<Record<string, string>>;
};

export function el<K extends keyof HTMLElementTagNameMap>(tag: K, props: Props<K> = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const { attrs, ...properties } = props;
  const element = Object.assign(document.createElement(tag), properties);
  for (const [name, value] of Object.entries(attrs ?? {})) element.setAttribute(name, value);
  for (const child of children) if (child !== false && child !== undefined) element.append(child);
  return element;
}

/**
 * Replaces what a container shows, and gives the focus back to the control that had it (by
 * its id), so that a keyboard user stays where they were when the view is drawn anew.
 */
export function replaceContent(container: HTMLElement, ...children: Child[]): void {
  const focused = document.activeElement?.id;
  container.replaceChildren(...children.filter((child): child is Node | string => child !== false && child !== undefined));
  if (focused) document.getElementById(focused)?.focus();
}
