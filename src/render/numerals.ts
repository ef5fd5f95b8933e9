/**
 * Chinese numerals for the masthead (第七期, 总第三十七期) and section numbers.
 */

const DIGITS = ['零', '一', '二', '三', '四', '五', '六', '七', '八', '九'];
const UNITS = ['', '十', '百', '千'];

function belowTenThousand(n: number): string {
  const digits = String(n).split('').map(Number);
  let out = '';
  let zero = false;
  digits.forEach((d, i) => {
    const unit = UNITS[digits.length - 1 - i]!;
    if (d === 0) {
      zero = out !== '';
      return;
    }
    if (zero) out += '零';
    zero = false;
    out += DIGITS[d]! + unit;
  });
  return out;
}

/** 37 → 三十七, 10 → 十, 105 → 一百零五, 12345 → 一万二千三百四十五. */
export function chineseNumeral(n: number): string {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`not a non-negative integer: ${n}`);
  if (n === 0) return '零';
  const parts: string[] = [];
  const high = Math.floor(n / 10000);
  const low = n % 10000;
  if (high) parts.push(`${chineseNumeral(high)}万`);
  if (low) parts.push((high && low < 1000 ? '零' : '') + belowTenThousand(low));
  // 一十X is written 十X when it leads the number.
  return parts.join('').replace(/^一十/, '十');
}

/** The seed's numbering line: `2024年 第七期（总第三十七期）`. */
export function numberingLine(year: number, number: number, total: number): string {
  return `${year}年 第${chineseNumeral(number)}期（总第${chineseNumeral(total)}期）`;
}
