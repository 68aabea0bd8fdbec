import type { ReactNode } from 'react';

/** Small inline icons (20x20, currentColor), always decorative: the control next to them carries the label. */

interface IconProps {
  className?: string;
}

function Stroke({ className = 'h-4 w-4', children }: IconProps & { children: ReactNode }) {
  return (
    <svg viewBox="0 0 20 20" fill="none" stroke="currentColor" strokeWidth="1.6" strokeLinecap="round" strokeLinejoin="round" aria-hidden="true" className={className}>
      {children}
    </svg>
  );
}

export function KeyIcon(props: IconProps) {
  return (
    <Stroke {...props}>
      <circle cx="6.5" cy="13.5" r="3.5" />
      <path d="M9 11 16.5 3.5M13.5 6.5l2 2M11.5 8.5l1.5 1.5" />
    </Stroke>
  );
}

export function RoomIcon(props: IconProps) {
  return (
    <Stroke {...props}>
      <circle cx="7.5" cy="7" r="2.75" />
      <path d="M2.5 16.5c.5-2.8 2.5-4.5 5-4.5s4.5 1.7 5 4.5" />
      <circle cx="14" cy="6.5" r="2.25" />
      <path d="M13.5 11.1c2.2-.2 3.7 1.3 4 3.9" />
    </Stroke>
  );
}

export function ReplyIcon(props: IconProps) {
  return (
    <Stroke {...props}>
      <path d="M8 5 3.5 9.5 8 14" />
      <path d="M4 9.5h7.5a5 5 0 0 1 5 5v1" />
    </Stroke>
  );
}

export function SmileIcon(props: IconProps) {
  return (
    <Stroke {...props}>
      <circle cx="10" cy="10" r="7.25" />
      <path d="M7 11.75c.75 1 1.75 1.5 3 1.5s2.25-.5 3-1.5" />
      <path d="M7.5 8h.01M12.5 8h.01" strokeWidth="2.2" />
    </Stroke>
  );
}

export function PencilIcon(props: IconProps) {
  return (
    <Stroke {...props}>
      <path d="m13.5 3.5 3 3L7 16H4v-3l9.5-9.5Z" />
    </Stroke>
  );
}

export function TrashIcon(props: IconProps) {
  return (
    <Stroke {...props}>
      <path d="M3.5 5.5h13M8 5.5V4a1 1 0 0 1 1-1h2a1 1 0 0 1 1 1v1.5M5.5 5.5l.7 10.1a1.5 1.5 0 0 0 1.5 1.4h4.6a1.5 1.5 0 0 0 1.5-1.4l.7-10.1" />
    </Stroke>
  );
}

export function CloseIcon(props: IconProps) {
  return (
    <Stroke {...props}>
      <path d="m5.5 5.5 9 9M14.5 5.5l-9 9" />
    </Stroke>
  );
}

export function BackIcon(props: IconProps) {
  return (
    <Stroke {...props}>
      <path d="M12.5 4.5 7 10l5.5 5.5" />
    </Stroke>
  );
}

export function WarningIcon(props: IconProps) {
  return (
    <Stroke {...props}>
      <path d="M10 3 2.5 16.5h15L10 3Z" />
      <path d="M10 8.5v3.5M10 14.5h.01" strokeWidth="2" />
    </Stroke>
  );
}

export function CheckBadgeIcon(props: IconProps) {
  return (
    <Stroke {...props}>
      <path d="M10 2.5 12 4l2.5-.2.6 2.4 2.1 1.4-1 2.4 1 2.4-2.1 1.4-.6 2.4L12 16l-2 1.5L8 16l-2.5.2-.6-2.4-2.1-1.4 1-2.4-1-2.4 2.1-1.4.6-2.4L8 4l2-1.5Z" />
      <path d="m7.25 10 1.9 1.9 3.6-3.8" />
    </Stroke>
  );
}

export function CopyIcon(props: IconProps) {
  return (
    <Stroke {...props}>
      <rect x="7" y="7" width="9.5" height="9.5" rx="1.5" />
      <path d="M13 7V4.5A1.5 1.5 0 0 0 11.5 3h-7A1.5 1.5 0 0 0 3 4.5v7A1.5 1.5 0 0 0 4.5 13H7" />
    </Stroke>
  );
}

export function SearchIcon(props: IconProps) {
  return (
    <Stroke {...props}>
      <circle cx="8.75" cy="8.75" r="5.25" />
      <path d="m12.75 12.75 4 4" />
    </Stroke>
  );
}

export function PlusIcon(props: IconProps) {
  return (
    <Stroke {...props}>
      <path d="M10 4v12M4 10h12" />
    </Stroke>
  );
}

export function QrIcon(props: IconProps) {
  return (
    <Stroke {...props}>
      <rect x="3" y="3" width="5" height="5" rx="0.5" />
      <rect x="12" y="3" width="5" height="5" rx="0.5" />
      <rect x="3" y="12" width="5" height="5" rx="0.5" />
      <path d="M12 12h2v2h-2zM15 15h2v2h-2zM12 16h1M16 12h1" />
    </Stroke>
  );
}
