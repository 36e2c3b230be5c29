"""Sign-up rules per market; the class below serves Thai customers (Thailand supplement:
customers from 20, or younger once sui juris by marriage)."""


class ThaiSignupPolicy:  # privacy-defaults: jurisdiction=TH
    def admits(self, applicant) -> bool:
        return applicant.age >= 20

    def admits_married_minor(self, applicant) -> bool:
        return applicant.age >= 20 or (applicant.age >= 17 and applicant.is_married)
