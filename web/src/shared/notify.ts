// App-wide toasts and the in-page confirm dialog, as tiny stores that components render.
import { useSyncExternalStore } from 'react';

export type ToastKind = 'info' | 'success' | 'error';
export interface Toast { id: number; kind: ToastKind; message: string }
export interface ConfirmRequest { message: string; okLabel: string; resolve: (ok: boolean) => void }

function store<T>(initial: T) {
  let value = initial;
  const listeners = new Set<() => void>();
  return {
    get: () => value,
    set(next: T) {
      value = next;
      for (const l of listeners) l();
    },
    subscribe(l: () => void) {
      listeners.add(l);
      return () => {
        listeners.delete(l);
      };
    },
  };
}

const toasts = store<Toast[]>([]);
const confirms = store<ConfirmRequest | null>(null);
let nextId = 1;

export const TOAST_MS = 6000;

export function toast(message: string, kind: ToastKind = 'info'): number {
  const id = nextId++;
  toasts.set([...toasts.get(), { id, kind, message }].slice(-5));
  setTimeout(() => dismissToast(id), kind === 'error' ? TOAST_MS * 2 : TOAST_MS);
  return id;
}

export function dismissToast(id: number): void {
  if (toasts.get().some((t) => t.id === id)) toasts.set(toasts.get().filter((t) => t.id !== id));
}

export function useToasts(): Toast[] {
  return useSyncExternalStore(toasts.subscribe, toasts.get, toasts.get);
}

/** Asks the user in an in-page dialog (never window.confirm); resolves true on OK. */
export function confirmDialog(message: string, okLabel = 'OK'): Promise<boolean> {
  confirms.get()?.resolve(false);
  return new Promise((resolve) => {
    confirms.set({
      message,
      okLabel,
      resolve: (ok) => {
        confirms.set(null);
        resolve(ok);
      },
    });
  });
}

export function useConfirm(): ConfirmRequest | null {
  return useSyncExternalStore(confirms.subscribe, confirms.get, confirms.get);
}
