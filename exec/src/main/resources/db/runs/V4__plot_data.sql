-- The points of a 3-D scatter figure (plot event "data", compact JSON), shown rotatable in the browser.
ALTER TABLE plots ADD COLUMN data TEXT;
