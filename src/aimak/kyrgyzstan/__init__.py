"""The Kyrgyz dataset builder: official classifier, OCHA/WOF boundaries, settlement points."""
