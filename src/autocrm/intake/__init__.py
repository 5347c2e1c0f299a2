"""Every channel that brings a lead in: checks the request, loads the person through the
pipeline (so a prospect becomes a customer record the matching engine knows), and answers
with the lead the pipeline made."""
