import { cleanup, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { Analysis } from './model';
import { ParameterTotal } from './ParameterTotal';

afterEach(cleanup);

const base: Analysis = { shapes: {}, layers: {}, parameters: 13610, errors: [] };

describe('the parameter total', () => {
  it('shows the total of an architecture without errors', () => {
    render(<ParameterTotal analysis={base} />);
    expect(screen.getByTestId('arch-total-params').textContent).toBe('13,610 parameters');
  });

  it('shows no number while the architecture has errors, and says the partial sum is partial', () => {
    const withErrors: Analysis = {
      ...base,
      parameters: null,
      partialParameters: 80,
      errors: [{ layer: 'fc', message: 'Linear "fc": needs out_features' }],
    };
    render(<ParameterTotal analysis={withErrors} />);
    const total = screen.getByTestId('arch-total-params');
    expect(total.textContent).toBe('— (fix errors)');
    expect(total.textContent).not.toMatch(/\d/);
    expect(total.getAttribute('title')).toBe('No total while the architecture has an error; the layers before them have 80 parameters');
  });

  it('never shows a number beside errors, even from a server that still sends a sum', () => {
    render(<ParameterTotal analysis={{ ...base, parameters: 9536, errors: [{ message: 'a' }, { message: 'b' }] }} />);
    expect(screen.getByTestId('arch-total-params').textContent).toBe('— (fix errors)');
  });

  it('waits for the first analysis', () => {
    render(<ParameterTotal analysis={null} />);
    expect(screen.getByTestId('arch-total-params').textContent).toBe('… parameters');
  });
});
