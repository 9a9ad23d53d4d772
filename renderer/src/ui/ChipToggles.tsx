// A row of on/off chips over a list of values (levels, runs, domains…): each chip is a real checkbox, and the chosen
// ones are highlighted. Used by the library's, the compare view's and the dashboard's filters.
export function ChipToggles<T extends string>({
  options,
  chosen,
  onToggle,
  testId,
  text,
}: {
  options: readonly T[];
  chosen: readonly T[] | undefined;
  onToggle: (value: T) => void;
  /** data-testid of each checkbox: `${testId}-${value}`. */
  testId: string;
  text?: (value: T) => string;
}) {
  return (
    <div className="chips">
      {options.map((o) => {
        const on = !!chosen?.includes(o);
        return (
          <label key={o} className={`chip${on ? ' on' : ''}`}>
            <input type="checkbox" checked={on} onChange={() => onToggle(o)} data-testid={`${testId}-${o}`} />
            {text ? text(o) : o}
          </label>
        );
      })}
    </div>
  );
}
