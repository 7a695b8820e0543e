"""The Kyrgyz dataset builder: official classifier, OCHA/WOF boundaries, GeoNames/WOF settlements."""
