import { useState } from 'react';
import { paramRows, type ParamRow } from '../lib/params.ts';

function ParamValue({ row }: { row: ParamRow }) {
  const [open, setOpen] = useState(false);
  if (row.hidden === 0) return row.full.includes('\n') ? <pre>{row.full}</pre> : <code className="value">{row.full}</code>;
  return (
    <>
      <pre>{open ? row.full : `${row.preview}…`}</pre>
      <button type="button" className="link" aria-expanded={open} onClick={() => setOpen(!open)}>
        {open ? `Collapse ${row.path}` : `Show all of ${row.path} (${row.hidden} more characters)`}
      </button>
    </>
  );
}

/** The parameters an approval covers, as the API shows them (redacted there by policy). */
export function ParamsView({ params }: { params: unknown }) {
  const rows = paramRows(params);
  return (
    <ul className="params" aria-label="Parameters">
      {rows.map((row) => (
        <li key={row.path}>
          <code>{row.path}</code>: <ParamValue row={row} />
        </li>
      ))}
    </ul>
  );
}
