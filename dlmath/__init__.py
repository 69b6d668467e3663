"""dlmath: a computational-graph engine small enough to read in one sitting."""
