import type { ReactNode } from 'react';

/** The choices of one radio group, each with its words beside it; the caller frames them (fieldset, row). */
export function RadioChoices<T extends string>({
  name,
  value,
  choices,
  onChange,
}: {
  /** The group's name, shared by its inputs. */
  name: string;
  value: T;
  choices: readonly { id: T; label: ReactNode }[];
  onChange: (id: T) => void;
}) {
  return (
    <>
      {choices.map((c) => (
        <label key={c.id} className="check">
          <input
            type="radio"
            name={name}
            value={c.id}
            checked={value === c.id}
            onChange={() => onChange(c.id)}
          />
          {c.label}
        </label>
      ))}
    </>
  );
}
