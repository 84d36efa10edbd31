import { useRoute } from '../router';
import { BusyIndicator } from './BusyIndicator';
import { ConfirmDialog } from './ConfirmDialog';
import { NotFound } from './NotFound';
import { ProjectList } from './ProjectList';
import { ProjectRedirect } from './ProjectRedirect';
import { Toasts } from './Toasts';
import { Workbench } from './Workbench';

export function App() {
  const route = useRoute();
  let page;
  switch (route.page) {
    case 'projects':
      page = <ProjectList />;
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
    <>
      <BusyIndicator />
      {page}
      <Toasts />
      <ConfirmDialog />
    </>
  );
}
