import { useEffect, useState } from 'react';
import { errorMessage, type LibraryInfo } from '../../shared/api';
import { loadLibraries } from '../architecture/catalog';

/** The server's libraries (fetched once per page): null until they are here, and why they could not be read. */
export function useServerLibraries(): { libraries: LibraryInfo[] | null; error: string | null } {
  const [libraries, setLibraries] = useState<LibraryInfo[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let stale = false;
    loadLibraries().then(
      (l) => !stale && setLibraries(l),
      (e) => !stale && setError(errorMessage(e)),
    );
    return () => {
      stale = true;
    };
  }, []);
  return { libraries, error };
}
