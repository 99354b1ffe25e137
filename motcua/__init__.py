"""motcua: the one-stop shop (một cửa) for administrative procedures of a Vietnamese province."""
