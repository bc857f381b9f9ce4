import { AlertDialog } from 'radix-ui';
import type { ReactNode, RefObject } from 'react';

import { buttonClass } from './button';
import { dialogClass } from './dialog';

/** An element to focus, or how to find it when the dialog closes (it may be rendered by then). */
export type ReturnFocus = RefObject<HTMLElement | null> | (() => HTMLElement | null | undefined);

export interface ConfirmDialogProps {
  open: boolean;
  onOpenChange: (open: boolean) => void;
  title: string;
  description: ReactNode;
  confirmLabel: string;
  cancelLabel: string;
  onConfirm: () => void;
  tone?: 'primary' | 'danger';
  busy?: boolean;
  /**
   * Where focus goes when the dialog closes. Needed when the dialog has no trigger (opened
   * from a menu item or by a blocked navigation): without it focus falls to <body>. When it
   * resolves to nothing, Radix's default applies.
   */
  returnFocus?: ReturnFocus;
}

/** A modal question with a confirm and a cancel button (Radix AlertDialog: focus trap, Escape, labelled). */
export function ConfirmDialog(props: ConfirmDialogProps) {
  const { open, onOpenChange, title, description, confirmLabel, cancelLabel, onConfirm, tone = 'primary', busy = false, returnFocus } = props;
  return (
    <AlertDialog.Root open={open} onOpenChange={onOpenChange}>
      <AlertDialog.Portal>
        <AlertDialog.Overlay className={dialogClass.overlay} />
        <AlertDialog.Content
          className={dialogClass.content}
          onCloseAutoFocus={(event) => {
            const target = typeof returnFocus === 'function' ? returnFocus() : returnFocus?.current;
            if (!target?.isConnected) return;
            event.preventDefault();
            target.focus();
          }}
        >
          <AlertDialog.Title className={dialogClass.title}>{title}</AlertDialog.Title>
          <AlertDialog.Description className={dialogClass.description}>{description}</AlertDialog.Description>
          <div className={dialogClass.actions}>
            <AlertDialog.Cancel className={buttonClass()}>{cancelLabel}</AlertDialog.Cancel>
            <AlertDialog.Action
              className={buttonClass({ variant: tone })}
              disabled={busy}
              onClick={(event) => {
                event.preventDefault();
                onConfirm();
              }}
            >
              {confirmLabel}
            </AlertDialog.Action>
          </div>
        </AlertDialog.Content>
      </AlertDialog.Portal>
    </AlertDialog.Root>
  );
}
