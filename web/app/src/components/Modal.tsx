import { useEffect, useRef, type ReactNode } from 'react';

interface Props {
  /** Called on Escape, on a click on the backdrop, and by the content's own close buttons. */
  onClose(): void;
  /** Id of the element that names the dialog. */
  labelledBy: string;
  className: string;
  testId?: string;
  children: ReactNode;
}

/**
 * A modal on the native <dialog> (showModal): the browser traps focus, renders it above everything and closes it
 * on Escape. Mounted means open.
 */
export function Modal({ onClose, labelledBy, className, testId, children }: Props) {
  const ref = useRef<HTMLDialogElement>(null);

  useEffect(() => {
    const dialog = ref.current;
    if (dialog && !dialog.open) dialog.showModal();
    return () => dialog?.close();
  }, []);

  return (
    <dialog
      ref={ref}
      data-testid={testId}
      aria-labelledby={labelledBy}
      onCancel={(e) => {
        e.preventDefault();
        onClose();
      }}
      onClick={(e) => {
        // A click on the dialog element itself (not its content) is a click on the backdrop.
        if (e.target === e.currentTarget) onClose();
      }}
      className={`bg-transparent p-0 text-inherit backdrop:bg-slate-950/50 backdrop:backdrop-blur-sm ${className}`}
    >
      {children}
    </dialog>
  );
}
