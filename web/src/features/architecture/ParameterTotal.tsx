import { formatCount, type Analysis } from './model';

/**
 * The architecture's trainable parameters in the toolbar. With errors the server sends no total (only a
 * partial sum of the layers before them), so nothing here can be mistaken for the network's size.
 */
export function ParameterTotal({ analysis }: { analysis: Analysis | null }) {
  const total = analysis?.parameters;
  const errors = analysis?.errors.length ?? 0;
  let text: string;
  let title = 'Trainable parameters of the whole architecture';
  if (analysis === null) text = '… parameters';
  else if (errors > 0 || typeof total !== 'number') {
    text = '— (fix errors)';
    const partial = analysis.partialParameters;
    title = `No total while the architecture has ${errors === 1 ? 'an error' : `${errors} errors`}`
      + (typeof partial === 'number' ? `; the layers before them have ${formatCount(partial)} parameters` : '');
  } else text = `${formatCount(total)} parameters`;
  return (
    <span className="arch-total" data-testid="arch-total-params" title={title}>
      {text}
    </span>
  );
}
