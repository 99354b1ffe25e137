"""Official reports built from the index: the weekly report of the Decision 766 index (Appendix I: the
province's indicators at two dates and the ranking of units; Appendix II: overdue dossiers per unit),
written as XLSX and as a PDF laid out as an administrative document."""
