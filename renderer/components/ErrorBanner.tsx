import type { ApiError } from '../../shared/api/types.js';

export interface ErrorBannerProps {
  error: ApiError;
  title?: string;
  onRetry?: () => void;
}

/** An error the user can read and act on: the ApiError's message, its code, and a retry when it makes sense. */
export function ErrorBanner({ error, title = 'Something went wrong', onRetry }: ErrorBannerProps) {
  return (
    <div className="banner banner-error" role="alert">
      <div className="banner-text">
        <strong>{title}</strong>
        <p>{error.message}</p>
        <p className="muted small">
          Error code <code>{error.code}</code>
          {error.retryable ? ' — this may work if you try again.' : ''}
        </p>
      </div>
      {onRetry && (
        <button type="button" className="button" onClick={onRetry}>
          Retry
        </button>
      )}
    </div>
  );
}
