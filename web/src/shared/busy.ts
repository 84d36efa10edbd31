// Counts running requests so one indicator can show progress for anything slower than ~300 ms.
type Listener = (count: number) => void;

let count = 0;
const listeners = new Set<Listener>();

function emit() {
  for (const l of listeners) l(count);
}

export function track<T>(promise: Promise<T>): Promise<T> {
  count++;
  emit();
  const done = () => {
    count--;
    emit();
  };
  promise.then(done, done);
  return promise;
}

export function onBusyChange(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function busyCount(): number {
  return count;
}
