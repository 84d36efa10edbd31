// Who is signed in, for components that show or hide account features (accounts mode only).
import { createContext, useContext } from 'react';
import type { Me } from './api';

export const MeContext = createContext<Me | null>(null);

/** The signed-in user, or null while unknown; `mode` is 'local' when there are no accounts. */
export function useMe(): Me | null {
  return useContext(MeContext);
}

/** True when the server has accounts (sign-in, sharing, tokens). */
export function useAccounts(): boolean {
  return useMe()?.mode === 'accounts';
}
