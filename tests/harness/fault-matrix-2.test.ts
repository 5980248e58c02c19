// The fault matrix, part 2: the rows tests/harness/fault-matrix.ts gives the second harness worker (part 1 holds the matrix's own checks).
import { defineRowTests, PARTS } from './fault-matrix';

defineRowTests(2, PARTS);
