import { describe, expect, it } from 'vitest';
import { renderTable, type Column } from '@heapdiff/reporter';

const columns: Column[] = [
  { title: 'class', align: 'left' },
  { title: '# objects', align: 'right' },
  { title: 'note', align: 'left' },
];

describe('renderTable', () => {
  it('pads left columns on the right, right columns on the left, and rules each column with "="', () => {
    expect(
      renderTable(columns, [
        ['Session', '12', 'x'],
        ['(string)', '1,234,567', 'longest note'],
      ]),
    ).toEqual([
      'class    | # objects | note',
      '======== | ========= | ============',
      'Session  |        12 | x',
      '(string) | 1,234,567 | longest note',
    ]);
  });

  it('sizes a column by its widest cell when that is wider than the title', () => {
    expect(renderTable([{ title: 'n', align: 'right' }, { title: 'name', align: 'left' }], [['1000', 'a'], ['7', 'b']])).toEqual([
      '   n | name',
      '==== | ====',
      '1000 | a',
      '   7 | b',
    ]);
  });

  it('leaves no trailing spaces when the last column is left-aligned', () => {
    const lines = renderTable([{ title: 'value', align: 'right' }, { title: 'label', align: 'left' }], [['1', '']]);
    expect(lines).toEqual(['value | label', '===== | =====', '    1 |']);
  });

  it('is just the header and the rule when there are no rows', () => {
    expect(renderTable(columns, [])).toEqual(['class | # objects | note', '===== | ========= | ====']);
  });

  it('cuts a cell longer than maxWidth with an ellipsis, keeping it exactly maxWidth wide', () => {
    expect(
      renderTable(
        [{ title: 'edge', align: 'left', maxWidth: 8 }, { title: 'size', align: 'right' }],
        [['abcdefgh', '1 B'], ['abcdefghi', '2 B'], ['short', '3 B']],
      ),
    ).toEqual([
      'edge     | size',
      '======== | ====',
      'abcdefgh |  1 B',
      'abcdefg… |  2 B',
      'short    |  3 B',
    ]);
  });

  it('cuts right-aligned cells too, and never cuts the title', () => {
    expect(renderTable([{ title: 'a long title', align: 'right', maxWidth: 4 }], [['123456']])).toEqual([
      'a long title',
      '============',
      '        123…',
    ]);
  });
});
