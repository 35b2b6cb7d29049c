/**
 * What /console answers when dist/console does not exist: a gateway started from the sources
 * without building the console (the image and `npm start` build it). Static text, no script.
 */
export const notBuiltPage = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Console not built</title></head>
<body>
<main>
<h1>The Countersign console is not built</h1>
<p>This gateway serves the web console from <code>dist/console</code>, which does not exist here.</p>
<p>Build it with <code>npm run build:console</code> (or start with <code>npm start</code>, which builds it first), then reload this page.</p>
<p>The API at <code>/v1</code> works without it.</p>
</main>
</body>
</html>
`;
