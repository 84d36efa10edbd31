/** scikit-learn as a DeepForge library (docs/libraries.md). */
package org.deepforge.sklearn;
