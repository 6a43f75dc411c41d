// The relay process entry (built out by the collaboration issue).
process.stdout.write('relay: not implemented yet\n');
