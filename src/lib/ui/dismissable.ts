// A popup (a menu, a picker) closes when Escape is pressed wherever focus is (it may not have moved
// in yet) or when a press lands anywhere outside it.
export interface Dismiss {
  isOpen: () => boolean;
  close: () => void;
}

export function dismissable(node: HTMLElement, initial: Dismiss) {
  let d = initial;
  const escape = (e: KeyboardEvent) => {
    if (d.isOpen() && e.key === 'Escape') {
      e.preventDefault();
      d.close();
    }
  };
  const outside = (e: PointerEvent) => {
    if (d.isOpen() && e.target instanceof Node && !node.contains(e.target)) d.close();
  };
  window.addEventListener('keydown', escape);
  window.addEventListener('pointerdown', outside);
  return {
    update(next: Dismiss) {
      d = next;
    },
    destroy() {
      window.removeEventListener('keydown', escape);
      window.removeEventListener('pointerdown', outside);
    },
  };
}
