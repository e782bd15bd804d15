"""SIASN training history: JP ledger entries as BKN SIASN course records (kursus), exported
for hand upload or pushed to the SIASN API gateway once each."""
