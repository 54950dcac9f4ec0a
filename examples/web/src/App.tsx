import { errorDetails } from '@groundwork/client';
import { useQuery } from '@tanstack/react-query';

import { Account } from './Account';
import { useTRPC } from './api';
import { LinkPage } from './LinkPages';
import { openedLink } from './opened-link';
import { SignIn } from './SignIn';

/** Signed in (possibly resumed through the refresh cookie) or not: `auth.me` decides; an e-mailed link comes first. */
export function App() {
  const trpc = useTRPC();
  const me = useQuery(trpc.auth.me.queryOptions());
  if (me.isPending) return <p>Loading…</p>;
  const signedOut = me.isError && errorDetails(me.error)?.code === 'UNAUTHORIZED';
  if (me.isError && !signedOut) return <p className="error">Could not reach the API: {me.error.message}</p>;
  if (openedLink) {
    return (
      <>
        <LinkPage link={openedLink} me={me.data} />
        {openedLink.page === 'accept-invitation' && signedOut && <SignIn initialMode="login" />}
      </>
    );
  }
  return me.data ? <Account me={me.data} /> : <SignIn />;
}
