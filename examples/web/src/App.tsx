import { errorDetails } from '@groundwork/client';
import { useQuery } from '@tanstack/react-query';

import { Account } from './Account';
import { useTRPC } from './api';
import { SignIn } from './SignIn';

/** Signed in (possibly resumed through the refresh cookie) or not: `auth.me` decides. */
export function App() {
  const trpc = useTRPC();
  const me = useQuery(trpc.auth.me.queryOptions());
  if (me.isPending) return <p>Loading…</p>;
  if (me.isError) {
    return errorDetails(me.error)?.code === 'UNAUTHORIZED' ? (
      <SignIn />
    ) : (
      <p className="error">Could not reach the API: {me.error.message}</p>
    );
  }
  return <Account me={me.data} />;
}
