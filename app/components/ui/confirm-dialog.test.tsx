import { render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useRef, useState } from 'react';
import { describe, expect, it } from 'vitest';

import { ConfirmDialog, type ConfirmDialogProps } from './confirm-dialog';

/** A dialog opened from a menu item, i.e. without a Radix trigger: the opener is gone once it is open. */
function Harness({ returnFocus }: { returnFocus: 'ref' | 'getter' | 'none' }) {
  const [open, setOpen] = useState(false);
  const back = useRef<HTMLButtonElement>(null);
  const target: ConfirmDialogProps['returnFocus'] =
    returnFocus === 'ref' ? back : returnFocus === 'getter' ? () => document.querySelector<HTMLElement>('[data-return]') : undefined;
  return (
    <>
      {open ? null : (
        <button type="button" onClick={() => setOpen(true)}>
          Open
        </button>
      )}
      <button type="button" ref={back} data-return>
        Way back
      </button>
      <ConfirmDialog
        open={open}
        onOpenChange={setOpen}
        title="Sure?"
        description="It cannot be undone."
        confirmLabel="Do it"
        cancelLabel="Cancel"
        onConfirm={() => setOpen(false)}
        returnFocus={target}
      />
    </>
  );
}

async function openAndClose(how: 'cancel' | 'confirm' | 'escape', returnFocus: 'ref' | 'getter' | 'none') {
  const user = userEvent.setup();
  render(<Harness returnFocus={returnFocus} />);
  await user.click(screen.getByRole('button', { name: 'Open' }));
  const dialog = await screen.findByRole('alertdialog', { name: 'Sure?' });
  if (how === 'escape') await user.keyboard('{Escape}');
  else await user.click(screen.getByRole('button', { name: how === 'cancel' ? 'Cancel' : 'Do it' }));
  await waitFor(() => expect(dialog).not.toBeInTheDocument());
}

describe('ConfirmDialog', () => {
  it.each(['cancel', 'confirm', 'escape'] as const)('returns focus to returnFocus (a ref) after %s', async (how) => {
    await openAndClose(how, 'ref');
    await waitFor(() => expect(screen.getByRole('button', { name: 'Way back' })).toHaveFocus());
  });

  it('accepts a function that finds the element when the dialog closes', async () => {
    await openAndClose('cancel', 'getter');
    await waitFor(() => expect(screen.getByRole('button', { name: 'Way back' })).toHaveFocus());
  });

  it('without returnFocus, focus falls to <body> when what opened the dialog is gone (why the prop exists)', async () => {
    await openAndClose('cancel', 'none');
    await waitFor(() => expect(document.body).toHaveFocus());
  });
});
