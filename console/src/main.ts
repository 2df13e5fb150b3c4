/** The console's entry: the sign-in page, or the console for the token this tab holds. */
import { ConsoleApp } from "./console-app.js";
import { replaceContent } from "./elements.js";
import { session } from "./session.js";
import type { ShownFailure } from "./views/failure-view.js";
import { signInView } from "./views/sign-in-view.js";

const root = document.getElementById("app")!;

function showSignIn(failure?: ShownFailure): void {
  replaceContent(root, signInView((token) => void signIn(token), failure));
  document.getElementById("token")?.focus();
}

async function signIn(token: string): Promise<void> {
  const app = new ConsoleApp(root, token, {
    signOut(failure) {
      session.signOut();
      showSignIn(failure);
    },
  });
  session.signIn(token);
  const refused = await app.start();
  if (refused) {
    session.signOut();
    showSignIn({ action: "sign in", failure: refused });
  }
}

const token = session.token();
if (token) void signIn(token);
else showSignIn();
