import { lazy, Suspense, useCallback, useEffect, useState } from 'react';
import { api, setCsrfToken, setSignedOutHandler, type Me } from './shared/api';
import { useRoute } from './shared/router';
import { MeContext } from './shared/session';
import { AccountBar } from './features/accounts/AccountBar';
import { AccountPage } from './features/accounts/AccountPage';
import { AdminPage } from './features/admin/AdminPage';
import { BusyIndicator } from './shared/components/BusyIndicator';
import { ConfirmDialog } from './shared/components/ConfirmDialog';
import { LoginPage } from './features/accounts/LoginPage';
import { NotFound } from './shared/components/NotFound';
import { ProjectList } from './features/projects/ProjectList';
import { ProjectRedirect } from './features/projects/ProjectRedirect';
import { Toasts } from './shared/components/Toasts';
import { Workbench } from './features/workbench/Workbench';

// Swagger UI is large: loaded only when the reference page is opened
const ApiReference = lazy(() => import('./features/apiref/ApiReference').then((m) => ({ default: m.ApiReference })));

/** Signed in (or local mode), signed out (accounts mode: the sign-in page), or not known yet. */
type SignIn = { state: 'unknown' } | { state: 'in'; me: Me } | { state: 'out' };

export function App() {
  const route = useRoute();
  const [signIn, setSignIn] = useState<SignIn>({ state: 'unknown' });

  const check = useCallback(async () => {
    try {
      const me = await api.me();
      setCsrfToken(me.csrf);
      setSignIn({ state: 'in', me });
    } catch (e) {
      // 401: accounts mode and nobody signed in; anything else: let the pages show their own errors
      const status = (e as { status?: number }).status;
      if (status === 401) setSignIn({ state: 'out' });
      else setSignIn({ state: 'in', me: { id: 'local', name: 'Local user', mode: 'local' } });
    }
  }, []);

  useEffect(() => {
    void check();
    setSignedOutHandler(() => {
      setCsrfToken(null);
      setSignIn({ state: 'out' });
    });
    return () => setSignedOutHandler(null);
  }, [check]);

  if (signIn.state === 'unknown') return <BusyIndicator />;
  if (signIn.state === 'out') {
    return (
      <>
        <LoginPage onSignedIn={(me) => setSignIn({ state: 'in', me })} />
        <Toasts />
      </>
    );
  }

  let page;
  switch (route.page) {
    case 'projects':
      page = <ProjectList />;
      break;
    case 'account':
      page = <AccountPage />;
      break;
    case 'admin':
      page = <AdminPage />;
      break;
    case 'api':
      page = (
        <Suspense fallback={<BusyIndicator />}>
          <ApiReference />
        </Suspense>
      );
      break;
    case 'project':
      page = <ProjectRedirect project={route.project} />;
      break;
    case 'workbench':
      page = <Workbench key={route.project} route={route} />;
      break;
    default:
      page = <NotFound path={route.path} />;
  }
  return (
    <MeContext.Provider value={signIn.me}>
      <BusyIndicator />
      {page}
      <AccountBar onSignedOut={() => setSignIn({ state: 'out' })} />
      <Toasts />
      <ConfirmDialog />
    </MeContext.Provider>
  );
}
