"""Telling the applicant: an e-mail and an SMS at receipt, supplement request, fee request, result ready
and apology (issue 8 point 5), through the outbox so that nothing is sent unless the change committed."""
