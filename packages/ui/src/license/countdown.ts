// The expiry countdown the License view shows: days and hours, or hours and minutes in the last day.

export function countdown(expiresAt: number, now: number): string {
  const ms = expiresAt - now;
  const abs = Math.abs(ms);
  const days = Math.floor(abs / 86_400_000);
  const hours = Math.floor((abs % 86_400_000) / 3_600_000);
  const span = days > 0 ? `${days} d ${hours} h` : `${hours} h ${Math.floor((abs % 3_600_000) / 60_000)} min`;
  return ms >= 0 ? `${span} left` : `expired ${span} ago`;
}
